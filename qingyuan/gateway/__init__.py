"""HJ 212 TCP gateway: asyncio, standard library and ``qingyuan.hj212`` only.

See docs/gateway-behavior.md for what it guarantees.
"""
