"""Commendations (giấy khen, bằng khen) for collectives, households and individuals, each with its decision."""
