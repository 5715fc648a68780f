"""Typed errors raised by the library; the CLI turns them into one-line messages."""


class OverlapError(Exception):
    """Base class of every error the library raises on purpose."""


class SettingsError(OverlapError):
    """A setting has a bad value or an unknown name."""


class SettingsMismatchError(OverlapError):
    """Data on disk was made with other settings than the ones in use."""


class InputError(OverlapError):
    """A file or folder given by the user cannot be read as input."""


class StoreError(OverlapError):
    """The corpus store is missing, damaged or cannot be written."""


class StoreLockedError(StoreError):
    """Another process held the store's write lock for longer than we were willing to wait."""


class JobError(OverlapError):
    """A job file (pipelines/*.toml) has an unknown key or a bad value."""


class EngineError(OverlapError):
    """The engine cannot run: the dask extra is missing or the scheduler does not answer."""
