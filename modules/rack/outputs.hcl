output "pod_id" {
  value = cloudstack_pod.this.id
}

output "cluster_ids" {
  value = { for name, c in cloudstack_cluster.this : name => c.id }
}

output "hosts" {
  value = sort(keys(cloudstack_host.this))
}
