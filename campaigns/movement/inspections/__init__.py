"""Registration for a programme, inspection rounds (kiểm tra, thẩm định, phúc tra), their visits and scores."""
