"""Ownership of C handles: each is freed exactly once (close(), a ``with`` block
or garbage collection), under a lock that keeps it from being freed during a
call; live handles are counted by kind for the tests."""
import threading
import weakref



_live_lock = threading.Lock()
_live = {}


def _live_handles():
    """C handles currently owned by Python objects, by kind (for tests)."""
    with _live_lock:
        return {k: v for k, v in _live.items() if v}


def _release(free, ptr, lock, kind):
    # Runs exactly once per handle (weakref.finalize guarantees it): from
    # close(), from garbage collection, or at interpreter exit. The lock keeps
    # it from running while another thread is inside a call on the handle.
    with lock:
        free(ptr)
    with _live_lock:
        _live[kind] -= 1


class _Owned:
    """Base of the objects that own a C handle."""
    __slots__ = ('_ptr', '_lock', '_finalizer', '__weakref__')
    _kind = None
    _free = None

    def _own(self, ptr):
        self._ptr = ptr
        self._lock = threading.Lock()
        with _live_lock:
            _live[self._kind] = _live.get(self._kind, 0) + 1
        # The finalizer holds the pointer and the free function, not self.
        self._finalizer = weakref.finalize(self, _release, type(self)._free, ptr, self._lock, self._kind)

    def close(self):
        """Give the C handle back now. Idempotent; the object is unusable afterwards."""
        self._finalizer()

    @property
    def closed(self):
        return not self._finalizer.alive

    def _check(self):
        # Call with self._lock held.
        if not self._finalizer.alive:
            raise ValueError('%s is closed' % type(self).__name__)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
