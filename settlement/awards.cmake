# Evaluation records, awards, contracts and milestones (settlement_awards). Being built.
add_library(settlement_awards INTERFACE)
