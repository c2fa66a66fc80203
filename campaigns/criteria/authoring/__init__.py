"""Administrators author criteria sets in the portal: by uploading a set's YAML or by filling in its form.

Both paths end in the dict a YAML file gives, validated by campaigns.criteria.validation (one validation, every
mistake named with its place), previewed with a sample unit evaluated against the new thresholds, then saved by
campaigns.criteria.loading.criteria_set_load.
"""
