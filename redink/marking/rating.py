"""Fair ratings: essays are ranked by how good their reviews say they are *and* how sure that is.

The average of a few reviews says little: one 5-star review should not outrank forty that
average 4.8. Stars are mapped to [0, 1] (1 star → 0, 5 stars → 1) and the essay is ranked by the
lower bound of the Wilson score interval on that proportion at 95% confidence, mapped back to
stars. One 5-star review scores 1.83; forty averaging 4.8 score 4.34; ten averaging 4.5, 3.27.
An essay with no review scores 0 and sorts last.
"""

from __future__ import annotations

import math

Z = 1.96  # 95% confidence


def wilson_stars(*, count: int, stars_total: int) -> float:
    """The lower bound, in stars (1 to 5), of an essay's `count` reviews giving `stars_total` stars; 0 for none."""
    if count <= 0:
        return 0.0
    p = (stars_total / count - 1) / 4
    z2 = Z * Z
    bound = (p + z2 / (2 * count) - Z * math.sqrt(p * (1 - p) / count + z2 / (4 * count * count))) / (1 + z2 / count)
    return round(1 + 4 * max(0.0, bound), 4)
