"""What every plot shares: matplotlib without a display, and a figure as PNG bytes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (imported here, on first use: no cost at CLI start-up)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt


def png(fig: Figure) -> bytes:
    """The laid-out figure as PNG bytes, at the one resolution all plots use."""
    import io

    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100)
    return out.getvalue()
