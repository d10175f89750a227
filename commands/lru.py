"""A small thread-safe least-recently-used cache: what every memo in readybot is built on."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most `size` entries; the least recently used one goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The cached value, or `make()`'s (computed outside the lock, so two threads may
        both compute it; the values are equal, and the last one stays)."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())

    def trim(self, too_big: Callable[[list[V]], bool]) -> None:
        """Drop the least recently used entries while `too_big(values)`, keeping the newest."""
        with self._lock:
            while len(self._entries) > 1 and too_big(list(self._entries.values())):
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
