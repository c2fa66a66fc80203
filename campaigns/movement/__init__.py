"""The emulation movement (phong trào thi đua): campaigns and their targets, tasks and updates, daily
reminders and notifications, commitments, recognitions (titles) and party-cell ratings."""
