"""The read side: typed queries returning what a page, a snapshot or a report shows, aggregated in SQL."""
