output "zone_id" {
  value = cloudstack_zone.main.id
}

output "hosts" {
  value = [for h in cloudstack_host.kvm : h.url]
}
