# Settlement batches: prepare, four-eyes approval, exactly-once execution, bank files
# (settlement_batches). Being built.
add_library(settlement_batches INTERFACE)
