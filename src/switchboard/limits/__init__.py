"""Rate limits and budgets: fixed-window counters, in process or shared through Redis."""
