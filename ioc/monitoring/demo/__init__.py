def seed_monitoring(stdout=None):
    """Filled in by the monitoring demo data (indicators, observations, stations, readings, the wall)."""
