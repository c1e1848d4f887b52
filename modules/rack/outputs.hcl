output "pod_id" {
  description = "Id of the rack's pod."
  value       = cloudstack_pod.this.id
}

output "cluster_ids" {
  description = "Cluster key (as in the hosts map) => cluster id."
  value       = { for name, c in cloudstack_cluster.this : name => c.id }
}

output "host_addresses" {
  description = "Host name => management IP address."
  value       = { for name, h in var.hosts : name => h.ip }
}
