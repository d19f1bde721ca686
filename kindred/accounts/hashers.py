"""How Kindred hashes passwords: Argon2id at OWASP's minimum, chosen for a server that signs in
hundreds of teachers in the same few minutes (the first lesson of the day, a training session).

Django's own Argon2 parameters (memory 100 MiB, 2 passes, 8 lanes) cost 0.19-0.33 s of a core and
~100 MiB of memory per sign-in on the 2-core test machine: 200 teachers signing in at once queued
for a minute of CPU behind one another (docs/deploying.md, "The national load test"). OWASP's
Password Storage Cheat Sheet gives Argon2id with m = 19 MiB, t = 2, p = 1 as its minimum
configuration, equivalent in strength to its other options (m = 46 MiB, t = 1; m = 12 MiB, t = 3;
...): each guess still costs an attacker 19 MiB of memory, which is what defeats GPUs. Measured
by benchmarks/bench_password_hash.py (7 December 2026, 3 interleaved runs at load average 9 on the
shared 2 cores): 18 ms of CPU and ~19 MiB per sign-in, against 179-191 ms and ~100 MiB at Django's
defaults.

A hash made with other parameters (Django's defaults, before this) still verifies, since the
parameters are stored in each hash, and Django writes it again with these at that person's next
sign-in (`must_update`; tests/accounts/test_password_hashing.py).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class KindredArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's minimum); the algorithm name stays "argon2",
    so existing hashes are recognised and upgraded at the next sign-in."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
