"""Workflows of the emulation movement (phong trào thi đua), one module per thing people do.

campaigns (launching and changing a campaign), tasks (assigning, reporting on and closing tasks),
commitments (signed pledges and the city's requests for them), recognitions (yearly titles),
ratings (party cells' yearly rating) and notifications (reading one's reminders). Every workflow
takes keyword-only arguments, runs in one transaction and writes its history entry in it.
Import from the module itself; this package re-exports nothing.
"""
