"""Resources mobilised for the movement (huy động nguồn lực): money, land, working days and materials by source."""
