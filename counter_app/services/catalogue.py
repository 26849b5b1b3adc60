"""The catalogue this window works from: HQ's signed bundle, or the shipped default.

A window that has never synced (or whose bundle cannot be read) uses the default in
`resources/catalogue/`; the bundle replaces it at the next sync. Parsed once per bundle
version.
"""

from __future__ import annotations

import json
import logging
import threading

from counter_app.domain.catalogue import Catalogue, CatalogueError, parse_catalogue
from counter_app.services.sync import SyncService
from resources import default_catalogue_path

log = logging.getLogger(__name__)


class CatalogueService:
    def __init__(self, sync: SyncService) -> None:
        self._sync = sync
        self._lock = threading.Lock()
        self._held: tuple[int, Catalogue] | None = None
        self._default: Catalogue | None = None

    def current(self) -> Catalogue:
        bundle = self._sync.bundle("catalogue")
        document = bundle.payload.get("document") if bundle is not None else None
        if bundle is None or not document:
            return self.default()
        with self._lock:
            if self._held is not None and self._held[0] == bundle.version:
                return self._held[1]
        try:
            catalogue = parse_catalogue(document)
        except CatalogueError as exc:
            log.error("HQ's catalogue bundle %s is not usable: %s", bundle.version, exc)
            return self.default()
        with self._lock:
            self._held = (bundle.version, catalogue)
        return catalogue

    def default(self) -> Catalogue:
        if self._default is None:
            data = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
            self._default = parse_catalogue(data)
        return self._default

    def version_label(self) -> str:
        bundle = self._sync.bundle("catalogue")
        label = self.current().version_label
        return f"{label} (HQ v{bundle.version})" if bundle is not None else f"{label} (default)"
