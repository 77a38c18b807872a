"""Defines: several calls to the shared cache in one round trip to Redis, for the page cache's render.

A page rendered afresh used to make ten round trips besides its SQL: the page looked up, its render lock, the
page looked up again, the entries prefetched, Related's candidates written, the purge marks read, the missing
ones started, the copy written, the lock released, the stitched blocks' marks read. Here:

- `in_one_round_trip`: a list of `get`/`set`/`add`/`delete`/`exists` sent as one Redis command (a short Lua script,
  atomic as a MULTI/EXEC pipeline; one call each on another backend, as in the SQLite tests), each answered as the
  cache call would answer it;
- `start_and_read`: purge marks started where absent and read back, with other keys read alongside, in one
  command (a short Lua script: `SET NX` then `GET` for each; the keys sent as one string), where a `get_many` then
  an `add_many` took two;
- `get_else_add_reading`: a page looked up and, where it is absent, its render lock taken, in one command (the first
  view of a page nobody holds: one round trip where the lookup and then the lock took two); where it is found, its
  purge marks read with it;
- `deferring_writes`: inside a render, a value cached on the way (`set_soon`: Related's candidates) is written
  with the page's copy, in the same round trip (`take_deferred`), or at the end of the render (`flush_deferred`).

With Redis unreachable every call answers as the fail-safe backend does (`newsroom.cache_backend`): a miss.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.base import default_key_func
from django.core.cache.backends.redis import RedisCacheClient

from newsroom.cache_backend import REDIS_ERRORS


@dataclass(frozen=True)
class Call:
    method: str  # "get", "set", "add", "delete" or "exists" (`cache.has_key`)
    key: str
    value: Any = None
    timeout: int | None = None
    raw: bool = False  # `set`/`add`: the value is a string sent as it is (for a script to read), not serialised


def _redis() -> RedisCacheClient | None:
    backend = getattr(cache, "_cache", None)
    return backend if isinstance(backend, RedisCacheClient) else None


# ARGV: for each call its kind (g, s, a or d), its key, then for `s` and `a` the value and its lifetime. Each answered
# as a pipeline would answer it (GET: the value or nil; SET: 1; SET NX: 1 or 0; DEL: how many), atomically as
# MULTI/EXEC ran them. One command where redis-py's pipeline costs this process ~4 times a command's CPU.
_CALLS = """
local answers, i = {}, 1
while i <= #ARGV do
  local kind, key = ARGV[i], ARGV[i + 1]
  if kind == 'g' then
    answers[#answers + 1] = redis.call('GET', key)
    i = i + 2
  elseif kind == 'd' then
    answers[#answers + 1] = redis.call('DEL', key)
    i = i + 2
  elseif kind == 'e' then
    answers[#answers + 1] = redis.call('EXISTS', key)
    i = i + 2
  elseif kind == 's' then
    redis.call('SET', key, ARGV[i + 2], 'EX', ARGV[i + 3])
    answers[#answers + 1] = 1
    i = i + 4
  else
    answers[#answers + 1] = redis.call('SET', key, ARGV[i + 2], 'NX', 'EX', ARGV[i + 3]) and 1 or 0
    i = i + 4
  end
end
return answers
"""
_KINDS = {"get": "g", "set": "s", "add": "a", "delete": "d", "exists": "e"}


def in_one_round_trip(calls: list[Call]) -> list[Any]:
    """Each call's answer, as `cache.<method>` gives it (`get`: None when absent; `add`, `delete`, `exists`: a
    bool)."""
    backend = _redis()
    if backend is None:
        return [_one(call) for call in calls]
    outage = getattr(backend, "outage", None)
    if outage is not None and outage.skip():
        return [None if call.method in ("get", "set") else False for call in calls]
    make_key, dumps = cache.make_and_validate_key, backend._serializer.dumps
    arguments = []
    for call in calls:
        arguments += (_KINDS[call.method], make_key(call.key))
        if call.method in ("set", "add"):
            arguments += (call.value if call.raw else dumps(call.value), max(1, int(call.timeout)))
    try:
        found = backend.get_client(None, write=True).eval(_CALLS, 0, *arguments) if calls else []
    except REDIS_ERRORS as error:
        if outage is not None:
            outage.failed(error)
        return [None if call.method in ("get", "set") else False for call in calls]
    if outage is not None:
        outage.answered()
    answers = []
    for call, answer in zip(calls, found, strict=True):
        if call.method == "get":
            answers.append(None if answer is None else backend._serializer.loads(answer))
        else:
            answers.append(bool(answer) if call.method != "set" else None)
    return answers


def _one(call: Call) -> Any:
    if call.method == "get":
        return cache.get(call.key)
    if call.method == "delete":
        return cache.delete(call.key)
    if call.method == "exists":
        return cache.has_key(call.key)
    if call.method == "add":
        return cache.add(call.key, call.value, timeout=call.timeout)
    cache.set(call.key, call.value, timeout=call.timeout)
    return None


# ARGV: the lifetime, how many marks to start, their value, then the keys' common prefix and the keys less the prefix
# joined by newlines (the marks to start first, then the keys only read): one packed string where ~50 arguments each
# cost redis-py a step of packing; the keys named in ARGV, so a single Redis (never a cluster). A key with a newline in
# it: the keys in KEYS instead, each an argument of its own. Every key read in one MGET, and only the marks found absent
# started (a page's ~30 marks almost all held already): a third less of Redis's CPU than a SET NX and a GET per key.
_START_AND_READ = """
local keys = KEYS
if #KEYS == 0 then
  keys = {}
  local at = 1
  while true do
    local stop = string.find(ARGV[5], '\\n', at, true)
    if not stop then keys[#keys + 1] = ARGV[4] .. string.sub(ARGV[5], at) break end
    keys[#keys + 1] = ARGV[4] .. string.sub(ARGV[5], at, stop - 1)
    at = stop + 1
  end
end
local found = {}
for first = 1, #keys, 1000 do  -- MGET in runs of 1,000 keys: Lua unpacks no more than a few thousand at once
  local run = redis.call('MGET', unpack(keys, first, math.min(first + 999, #keys)))
  for i = 1, #run do found[first + i - 1] = run[i] end
end
for i = 1, tonumber(ARGV[2]) do
  if not found[i] then
    redis.call('SET', keys[i], ARGV[3], 'NX', 'EX', ARGV[1])
    found[i] = redis.call('GET', keys[i])
  end
end
return found
"""


def _joined_keys(keys: list[str]) -> tuple[str, str] | None:
    """The keys' common prefix and their cache keys less it, joined by newlines; None where a key holds one."""
    prefix, names = _key_prefix(), keys
    if prefix is None:
        prefix, names = "", [cache.make_and_validate_key(key) for key in keys]
    joined = "\n".join(names)
    return (prefix, joined) if joined.count("\n") == len(names) - 1 else None


def start_and_read(start: list[str], value: int, read: list[str], *, timeout: int) -> dict[str, Any] | None:
    """Each key of `start` set to `value` where absent, then every key of `start` and `read` read back (absent
    ones left out). None when the shared cache could not be reached. One round trip."""
    backend = _redis()
    if backend is None:
        found = cache.get_many([*start, *read])
        missing = [key for key in start if key not in found]
        added = [key for key in missing if cache.add(key, value, timeout=timeout)]
        found |= dict.fromkeys(added, value)
        if len(added) < len(missing):  # another request started some of them first: theirs count
            found |= cache.get_many([key for key in missing if key not in added])
        return found
    keys = [*start, *read]
    if not keys:
        return {}
    outage = getattr(backend, "outage", None)
    if outage is not None and outage.skip():
        return None
    packed = _joined_keys(keys)
    try:
        client = backend.get_client(None, write=True)
        lifetime = max(1, int(timeout))
        if packed is not None:
            answers = client.eval(_START_AND_READ, 0, lifetime, len(start), int(value), *packed)
        else:  # a key with a newline in it: each key an argument of its own
            full = [cache.make_and_validate_key(key) for key in keys]
            answers = client.eval(_START_AND_READ, len(full), *full, lifetime, len(start), int(value))
    except REDIS_ERRORS as error:
        if outage is not None:
            outage.failed(error)
        return None
    if outage is not None:
        outage.answered()
    loads = backend._serializer.loads
    return {key: loads(found) for key, found in zip(keys, answers, strict=True) if found is not None}


# KEYS: the key read, the key added where the first is absent; ARGV: the value added, its lifetime. With KEYS[3] and
# KEYS[4] (and the cache's key prefix as ARGV[3]), where the first is found: the key naming other keys (their names less
# the prefix, joined by newlines), that key's value, KEYS[4]'s and each named key's, read in the same command. The named
# keys (a page's ~50 purge marks) in one MGET, in runs of 1,000 as `_START_AND_READ` reads them: a GET each cost Redis
# a sixth more CPU on every copy fetched from the shared cache.
_GET_ELSE_ADD = """
local found = redis.call('GET', KEYS[1])
if found then
  if #KEYS < 4 then return {found, 0} end
  local named = redis.call('GET', KEYS[3])
  local answer = {found, 0, named, redis.call('GET', KEYS[4])}
  if named then
    local keys = {}
    for name in string.gmatch(named, '[^\\n]+') do keys[#keys + 1] = ARGV[3] .. name end
    for first = 1, #keys, 1000 do
      local run = redis.call('MGET', unpack(keys, first, math.min(first + 999, #keys)))
      for i = 1, #run do answer[#answer + 1] = run[i] end
    end
  end
  return answer
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'EX', ARGV[2]) then return {false, 1} end
return {false, 0}
"""


def get_else_add_reading(
    key: str, add_key: str, value: Any, *, timeout: int, names_key: str | None = None, also: str | None = None
) -> tuple[Any, bool, dict[str, Any] | None]:
    """The value of `key` (None: absent) and, where it is absent, whether this call added `add_key` (False where
    another had): one round trip (a short Lua script), where a `get` then an `add` took two. None, False when the
    shared cache could not be reached. Where `key` is found, the keys named under `names_key` (`names_value`) and
    `also`, read in the same command: {key: value or None}; None where nothing was read so (another backend, no names
    kept, a key function of its own)."""
    backend = _redis()
    if backend is None:
        found = cache.get(key)
        return found, found is None and cache.add(add_key, value, timeout=timeout), None
    outage = getattr(backend, "outage", None)
    if outage is not None and outage.skip():
        return None, False, None
    make_key = cache.make_and_validate_key
    keys, prefix = [make_key(key), make_key(add_key)], _key_prefix()
    if names_key is not None and also is not None and prefix is not None:
        keys += [make_key(names_key), make_key(also)]
    try:
        answer = backend.get_client(None, write=True).eval(
            _GET_ELSE_ADD, len(keys), *keys, backend._serializer.dumps(value), max(1, int(timeout)), prefix or ""
        )
    except REDIS_ERRORS as error:
        if outage is not None:
            outage.failed(error)
        return None, False, None
    if outage is not None:
        outage.answered()
    loads = backend._serializer.loads
    found, added, read = (None if answer[0] is None else loads(answer[0])), bool(answer[1]), None
    if len(answer) > 2 and answer[2] is not None:
        names = [also, *(name for name in answer[2].decode().split("\n") if name)]  # as the script's gmatch finds them
        read = {name: None if got is None else loads(got) for name, got in zip(names, answer[3:], strict=True)}
    return found, added, read


def names_value(keys: list[str]) -> str | None:
    """The value naming `keys` for `get_else_add_reading` (a `Call(..., raw=True)`); None where they cannot be named so
    (a key function of its own, a key with a newline in it)."""
    joined = "\n".join(keys)
    return joined if _key_prefix() is not None and joined.count("\n") == len(keys) - 1 and "" not in keys else None


def _key_prefix() -> str | None:
    """What Django's own key function (`default_key_func`) puts before every key (None: the cache has a key function
    of its own)."""
    return f"{cache.key_prefix}:{cache.version}:" if cache.key_func is default_key_func else None


_deferred: ContextVar[list[Call] | None] = ContextVar("newsroom_deferred_writes", default=None)


@contextmanager
def deferring_writes() -> Iterator[None]:
    """A render's scope: `set_soon` writes wait for the page's own write (`take_deferred`), or the scope's end."""
    token = _deferred.set([])
    try:
        yield
    finally:
        flush_deferred()
        _deferred.reset(token)


def in_page_render() -> bool:
    """Inside `deferring_writes`: a page rendered for the page cache, which has one request at a time render it."""
    return _deferred.get() is not None


def set_soon(key: str, value: Any, timeout: int) -> None:
    """`cache.set`, sent with the page's copy when inside `deferring_writes`, else at once."""
    waiting = _deferred.get()
    if waiting is None:
        cache.set(key, value, timeout)
    else:
        waiting.append(Call("set", key, value, timeout))


def take_deferred() -> list[Call]:
    """The writes waiting for the page's own (the caller sends them); none are left waiting."""
    waiting = _deferred.get()
    if not waiting:
        return []
    taken = list(waiting)
    waiting.clear()
    return taken


def flush_deferred() -> None:
    if taken := take_deferred():
        in_one_round_trip(taken)
