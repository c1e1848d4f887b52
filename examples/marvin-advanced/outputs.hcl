output "zone_id" {
  value = cloudstack_zone.sandbox.id
}

output "pod_id" {
  value = cloudstack_pod.pod0.id
}
