# Settlement batches: prepare, four-eyes approval, exactly-once execution, bank files:
# settlement_batches (domain and service), settlement_batches_mysql (the MariaDB store).
# Being built.
add_library(settlement_batches INTERFACE)
add_library(settlement_batches_mysql INTERFACE)
