output "racks" {
  description = "Rack => pod id."
  value       = { for name, rack in module.rack : name => rack.pod_id }
}

output "host_count" {
  value = length(local.hosts)
}
