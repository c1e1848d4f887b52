zone = "from-tfvars"
count_ = 1
