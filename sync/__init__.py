"""The protocol shared with HQ, the outbox reader and the sync worker (the sync capability).

The journal is the outbox: what is waiting is every entry after HQ's acknowledged
sequence (`sync.last_acked_seq` in the store's facts).
"""
