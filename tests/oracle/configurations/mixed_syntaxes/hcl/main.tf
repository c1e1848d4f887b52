output "double" { value = var.n * 2 }
