"""Model stage: the time-indexed MILP (formulation), solving, and infeasibility diagnosis."""
