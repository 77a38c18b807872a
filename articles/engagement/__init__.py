"""Engagement: what readers do with articles — votes, view counts, popularity buckets, rankings.

- `votes`: one vote per reader per article (`vote_spend_budget`, then `vote_add` / `vote_remove`).
- `voters`: who is voting (a signed-in reader's id, or a random id in a signed cookie).
- `view_counts`: a reader's view buffered in the cache, flushed into buckets and `view_count` in batches.
- `buckets`: adding to popularity buckets, rolling hours into days and days past retention into totals.
- `ranking`: the most popular and trending articles, summed from buckets (reads only).
- `reconcile`: repairing `vote_count` / `view_count` from the rows they count.
- `endpoints`: the HTTP endpoints (the vote form, the "seen" beacon).

The package's contract — lock order, everywhere: vote row → article row → popularity bucket rows (articles
and buckets by ascending id). Keeping to it is what lets votes, view flushes, roll-ups and reconciliation
run side by side without deadlocks. `Vote`, `PopularityBucket` and the article counters change together in
one transaction, which is why they stay models of the one `articles` app.
"""
