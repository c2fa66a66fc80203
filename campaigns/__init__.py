"""What every unit must meet and what it reported, and the emulation around it.

- campaigns.criteria: criteria sets, criteria, indicators and the rules that say when they are met;
- campaigns.results: periods, submissions, results and evidence, entry, Excel bulk entry and review;
- campaigns.movement: emulation campaigns, tasks, reminders, commitments, recognitions, party-cell ratings.

Each is a Django app of its own (labels "criteria", "results", "movement"). This package is also the
app "campaigns", which keeps only the migrations of the schema from before the split.
"""
