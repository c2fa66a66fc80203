"""What a unit reported: periods, submissions, results and evidence; the entry form, Excel bulk entry,
review (submit, approve, return, reopen) and the history of every value."""
