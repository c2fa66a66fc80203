"""Yearly plan targets (chỉ tiêu kế hoạch) of wards and the city, and how far each is reached."""
