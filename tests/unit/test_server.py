import gc

from switchboard.server import freeze_startup_heap


def test_the_startup_heap_is_put_beyond_later_collections() -> None:
    built_at_startup = [{"descriptor": "kept for the process's life"}]
    gc.unfreeze()
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
        tracked = gc.get_objects()  # what a full collection would walk; frozen objects are not
        assert all(obj is not built_at_startup for obj in tracked)
        built_later = [{"made": "per request"}]
        assert any(obj is built_later for obj in gc.get_objects())
    finally:
        gc.unfreeze()
