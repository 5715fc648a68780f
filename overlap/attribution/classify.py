"""Classification of aligned passages into finding kinds."""

from __future__ import annotations

from overlap.model import Kind, Role

#: Kind of a match by the role of the other document, before quotes and citations are read.
KIND_OF_ROLE: dict[Role, Kind] = {
    Role.SOURCE: Kind.UNATTRIBUTED_COPY,
    Role.PRIOR: Kind.PRIOR_OVERLAP,
    Role.SUBMISSION: Kind.PEER_OVERLAP,
}
