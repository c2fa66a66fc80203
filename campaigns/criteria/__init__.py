"""What a unit must meet: criteria sets (legal instruments with versions), their criteria and indicators,
the rules that decide when they are met, loading sets from YAML and the pages that show them."""
