"""A mistake found in a criteria set before it is saved, with its place, as administrators read it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is (criterion, indicator, key; or line and column of the YAML) and what is wrong.

    `where` is already in words ("Tiêu chí 3 › chỉ tiêu 3.1 › threshold", "Dòng 12, cột 5"); `message` is the
    translated sentence. `path` is the same place as keys (["criteria", 2, "indicators", 0, "threshold"]) for
    the form, which marks the field it belongs to.
    """

    where: str
    message: str
    path: tuple = ()

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message
