"""A simulation's state, frozen: what a checkpoint holds, and how it is thawed again.

The state is pickled, with three exceptions handled by the pickler itself:

- **Live objects** (the ``Simulation`` and its scenario) are written as references and come
  back as the live objects, so a restored component points at the running simulation.
- **Functions** that are lambdas or local functions are kept as they are, and only when they
  capture plain values (a column number, a quantile) or the live objects: a closure that
  captures another engine object would still act on it after a restore, so freezing one raises
  ``CheckpointError`` naming it. Scheduled work is therefore a bound method or a
  ``functools.partial``, which are copied with the objects they act on.
- **Events** and **fitted forests** (the anomaly detector's) are immutable once made: an
  image keeps the very objects.
- **Large arrays** (the metric rings, the watchers' histories) leave the pickle stream as
  buffers cut into 128 KiB blocks. A block equal to the same block of the previous image is
  shared, not copied, so an image costs the blocks that changed since the one before; a
  block no newer image shares is packed (its zero words dropped, a bit per word kept).
  The metric store's rings are written only at their write position, so their blocks are
  not compared: those holding the samples written since the previous image are new (and
  packed at once), the others shared. ``verify`` compares them all the same (the tests).

The last batch the tick computed (``world.flow.last``) is left out: it is a record of work
already done, with closures that were already run.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from types import FunctionType, ModuleType
from typing import Any

import numpy as np

from .anomaly.forest import ForestScorer
from .batch import Batch
from .events import Event
from .metrics import _Ring

__all__ = ["CheckpointError", "Freezer", "Image"]

BLOCK = 128 * 1024  # bytes per block of a large array
SMALL = 64 * 1024  # arrays smaller than this stay inside the pickle stream
_PLAIN = (int, float, complex, str, bytes, bool, type(None), np.generic, type, ModuleType)
_IMMUTABLE = (Event, ForestScorer)  # kept as they are


class CheckpointError(RuntimeError):
    """The state holds something a checkpoint cannot copy faithfully (a programming error)."""


class Block:
    """Part of a large array as it was: raw bytes, packed non-zero words, or all zeros."""

    __slots__ = ("raw", "bits", "words", "size", "nbytes")

    def __init__(self, view: np.ndarray, packed: bool = False) -> None:
        self.size = view.size
        self.raw: np.ndarray | None = view.copy() if view.any() else None
        self.bits: np.ndarray | None = None
        self.words: np.ndarray | None = None
        self.nbytes = 0 if self.raw is None else self.size  # the memory it holds
        if packed:
            self.pack()

    def same(self, view: np.ndarray) -> bool:
        """Whether ``view`` (uint8, this block's size) holds the same bytes."""
        if view.size != self.size:
            return False
        if self.raw is not None:
            return np.array_equal(_wide(self.raw), _wide(view))
        if self.bits is None:
            return not view.any()
        u = view.view(np.uint32)
        mask = u != 0
        return np.array_equal(np.packbits(mask), self.bits) and np.array_equal(u[mask],
                                                                                self.words)

    def write(self, out: np.ndarray) -> None:
        if self.raw is not None:
            out[:] = self.raw
        elif self.bits is None:
            out[:] = 0
        else:
            u = out.view(np.uint32)
            u[:] = 0
            u[np.unpackbits(self.bits, count=u.size).view(bool)] = self.words

    def pack(self) -> None:
        """Keep only the non-zero 32-bit words and a bit per word, when that is smaller."""
        raw = self.raw
        if raw is None or raw.size % 4:
            return
        u = raw.view(np.uint32)
        mask = u != 0
        if raw.size // 32 + 4 * int(np.count_nonzero(mask)) < 0.7 * raw.size:
            self.bits, self.words, self.raw = np.packbits(mask), u[mask], None
            self.nbytes = self.bits.nbytes + self.words.nbytes


def _wide(a: np.ndarray) -> np.ndarray:
    """The same bytes as wider words, for a faster comparison."""
    return a.view(np.uint64) if a.size % 8 == 0 else a


Stored = tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Image:
    """A frozen state: the pickle stream, its large arrays as blocks (with the samples a
    ring had written, None for other arrays), the functions kept."""

    stream: bytes
    buffers: tuple[Stored, ...]
    written: tuple[int | None, ...]
    kept: tuple[Any, ...]  # functions and events, kept as they are
    blocks: frozenset[Block]  # every block once


class Freezer:
    """Freezes and thaws states of one simulation; ``live`` names the objects kept live."""

    def __init__(self, live: dict[str, object]) -> None:
        self.live = live
        self.verify = False  # compare a ring's blocks too, and raise if one changed unseen
        # (address, size) → the latest blocks of that memory, and for a ring its samples then
        # and the memory itself (held, so that no other array gets the address meanwhile)
        self._index: dict[tuple[int, int], tuple[Stored, int | None, object]] = {}

    def freeze(self, state: dict[str, Any]) -> Image:
        out, kept, large, rings = io.BytesIO(), [], [], {}
        _Pickler(out, self, kept, large, rings).dump(state)
        index: dict[tuple[int, int], tuple[Stored, int | None, object]] = {}
        buffers, written = [], []
        for pb in large:
            data = np.frombuffer(pb.raw(), np.uint8)
            key = (data.__array_interface__["data"][0], data.size)
            before, then, _ = self._index.get(key, ((), None, None))
            ring = rings.get(key)
            if ring is None:
                stored = _share(data, before)
            else:
                stored = _share_ring(data, before, then, *ring, verify=self.verify)
            index[key] = (stored, None, None) if ring is None else (stored, ring[0],
                                                                     pb.raw().obj)
            buffers.append(stored)
            written.append(None if ring is None else ring[0])
        self._retire(buffers)
        self._index = index
        return Image(out.getvalue(), tuple(buffers), tuple(written), tuple(kept),
                     frozenset(b for stored in buffers for b in stored))

    def thaw(self, image: Image) -> dict[str, Any]:
        """A fresh copy of the state the image holds (the image can be thawed again)."""
        arrays = []
        for stored in image.buffers:
            data = np.empty(sum(b.size for b in stored), np.uint8)
            at = 0
            for block in stored:
                block.write(data[at:at + block.size])
                at += block.size
            arrays.append(data)
        state = _Unpickler(io.BytesIO(image.stream), self, image.kept, arrays).load()
        self._retire(image.buffers)
        self._index = {(a.__array_interface__["data"][0], a.size): (stored, written, a)
                       for a, stored, written in zip(arrays, image.buffers, image.written,
                                                     strict=True)}
        return state

    def _retire(self, latest: tuple[Stored, ...] | list[Stored]) -> None:
        """Pack the blocks of the previous image that the latest one does not share."""
        kept = {id(b) for stored in latest for b in stored}
        for stored, _, _ in self._index.values():
            for block in stored:
                if id(block) not in kept:
                    block.pack()


def _share(data: np.ndarray, before: Stored) -> Stored:
    blocks = []
    for i, at in enumerate(range(0, data.size, BLOCK)):
        view = data[at:at + BLOCK]
        old = before[i] if i < len(before) else None
        blocks.append(old if old is not None and old.same(view) else Block(view))
    return tuple(blocks)


def _share_ring(data: np.ndarray, before: Stored, then: int | None, written: int, slots: int,
                *, verify: bool) -> Stored:
    """A ring's blocks: new where a sample was written since ``then``, the others shared."""
    if then is None or not before or not 0 <= written - then < slots:
        return tuple(Block(data[at:at + BLOCK], packed=True) for at in range(0, data.size, BLOCK))
    per = data.size // slots
    first = (np.arange(then, written) % slots) * per  # the bytes of each sample written
    edges = np.zeros(len(before) + 1, np.int64)
    np.add.at(edges, first // BLOCK, 1)
    np.add.at(edges, (first + per - 1) // BLOCK + 1, -1)
    fresh = np.cumsum(edges[:-1]) > 0
    blocks = []
    for i, at in enumerate(range(0, data.size, BLOCK)):
        view = data[at:at + BLOCK]
        if not fresh[i] and verify and not before[i].same(view):
            raise CheckpointError(f"a ring's block {i} changed away from its write position")
        blocks.append(Block(view, packed=True) if fresh[i] else before[i])
    return tuple(blocks)


def _live(name: str) -> object:  # (replaced by the live object when thawing)
    raise CheckpointError(f"{name} is thawed by a Freezer only")


def _kept(index: int) -> object:  # (replaced by the object kept, when thawing)
    raise CheckpointError("what an image keeps is thawed by a Freezer only")


def _left_out() -> None:
    return None


class _Pickler(pickle.Pickler):
    def __init__(self, out: io.BytesIO, freezer: Freezer, kept: list[Any],
                 large: list[pickle.PickleBuffer],
                 rings: dict[tuple[int, int], tuple[int, int]]) -> None:
        super().__init__(out, protocol=5, buffer_callback=self._buffer)
        self._live = {id(obj): name for name, obj in freezer.live.items()}
        self._kept, self._large, self._rings = kept, large, rings

    def _buffer(self, pb: pickle.PickleBuffer) -> bool:
        if pb.raw().nbytes < SMALL:
            return True  # inside the stream
        self._large.append(pb)
        return False

    def reducer_override(self, obj: Any) -> Any:
        name = self._live.get(id(obj))
        if name is not None:
            return _live, (name,)
        if type(obj) in _IMMUTABLE:
            return self._keep(obj)
        if type(obj) is FunctionType:
            return self._function(obj)
        if type(obj) is Batch:
            return _left_out, ()
        if type(obj) is _Ring:  # (its arrays are written at ``written``, a sample at a time)
            for array, slots in ((obj.data, obj.length), (obj.hist, obj.hist_length),
                                 (obj.times, obj.length)):
                if array is not None:
                    key = (array.__array_interface__["data"][0], array.nbytes)
                    self._rings[key] = (obj.written, slots)
            return NotImplemented
        if type(obj).__module__.startswith("devsim_tui"):
            raise CheckpointError(f"a front end's {type(obj).__qualname__} is in the engine's "
                                  "state; front ends subscribe to the bus instead")
        return NotImplemented

    def _function(self, fn: FunctionType) -> Any:
        captured = [c.cell_contents for c in fn.__closure__ or ()]
        captured += [*(fn.__defaults__ or ()), *(fn.__kwdefaults__ or {}).values()]
        for value in captured:
            if id(value) not in self._live and not _plain(value):  # (the live ones stay)
                raise CheckpointError(
                    f"{fn.__module__}.{fn.__qualname__} captures a {type(value).__name__}: a "
                    "restored checkpoint would run it on the old objects; make it a bound "
                    "method or a functools.partial")
        if not captured and "<" not in fn.__qualname__:
            return NotImplemented  # a module's function: by its name
        return self._keep(fn)

    def _keep(self, obj: object) -> Any:
        self._kept.append(obj)
        return _kept, (len(self._kept) - 1,)


def _plain(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, tuple | frozenset):
        return all(_plain(v) for v in value)
    if type(value) is FunctionType:
        return all(_plain(c.cell_contents) for c in value.__closure__ or ())
    return False


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: io.BytesIO, freezer: Freezer, kept: tuple[Any, ...],
                 arrays: list[np.ndarray]) -> None:
        super().__init__(stream, buffers=arrays)
        self._live, self._kept = freezer.live, kept

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_live":
            return self._live.__getitem__
        if module == __name__ and name == "_kept":
            return self._kept.__getitem__
        return super().find_class(module, name)
