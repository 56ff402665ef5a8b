# Evaluation records, awards, contracts and milestones: settlement_awards (domain and service),
# settlement_awards_mysql (the MariaDB store). Being built.
add_library(settlement_awards INTERFACE)
add_library(settlement_awards_mysql INTERFACE)
