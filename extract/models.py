"""The records a manifesto becomes (../shared/CONTRACT.md), as validated pydantic models.

Validation here guards what the contract promises a user: scores fall within the
document's own legend, goal numbers are unique and increasing, required fields exist.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Record):
    """The file a record was read from."""

    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pages: int = Field(ge=1)  # of the whole file
    part: int = Field(default=1, ge=1)  # 1-based position of the manifesto in its file (a booklet holds several)
    first_page: int = Field(ge=1)  # the file's pages the manifesto occupies; unless given, all of them
    last_page: int = Field(ge=1)

    @model_validator(mode="before")
    @classmethod
    def _whole_file_unless_given(cls, data: object) -> object:
        if isinstance(data, dict) and "pages" in data:
            return {"first_page": 1, "last_page": data["pages"], **data}
        return data

    @model_validator(mode="after")
    def _pages_in_file(self) -> Source:
        if not self.first_page <= self.last_page <= self.pages:
            raise ValueError(f"pages {self.first_page}–{self.last_page} do not lie within the file's {self.pages}")
        return self


class RatingLevel(_Record):
    """One line of the 業績目標の達成状況 legend."""

    score: int
    label: str = Field(min_length=1)


class Milestone(_Record):
    """A bullet of the target that ends in a time expression."""

    text: str
    period: str = Field(min_length=1)
    start: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    end: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")


class ReadWarning(_Record):
    """Something the extractor could read only in part; kept with the record, not printed as noise."""

    kind: str
    message: str
    goal: int | None = None
    page: int | None = None
    bbox: list[float] | None = None  # where on the page (x0, top, x1, bottom in points), for text the reader could not place


class Goal(_Record):
    """One ◎部局目標N block."""

    number: int = Field(ge=1)
    mission: str  # may be "" (with a warning) where a layout prints no mission for the goal
    objective: str  # may be "" (with a `goal_incomplete` warning): a partial goal beats no goal
    current_state: str | None = None
    target: str | None = None
    milestones: list[Milestone] = []
    achieved_state: str | None = None
    means: list[str] = []
    self_rating: int | None = None
    rating_reason: str | None = None
    page: int = Field(ge=1)


class Manifesto(_Record):
    """One department's manifesto for one fiscal year."""

    source: Source
    title: str
    fiscal_year: int = Field(ge=1989, le=2200)
    era: str
    department: str = Field(min_length=1)
    position: str
    head: str
    aspiration: str | None = None
    rating_scale: list[RatingLevel]
    goals: list[Goal] = Field(min_length=1)
    coverage: float = Field(default=1.0, ge=0, le=1)  # share of the printed text that reached the record
    ocr: bool = False
    warnings: list[ReadWarning] = []

    @model_validator(mode="after")
    def _goals_are_consistent(self) -> Manifesto:
        numbers = [g.number for g in self.goals]
        if numbers != sorted(set(numbers)):
            raise ValueError(f"goal numbers must be unique and increasing, got {numbers}")
        scores = {level.score for level in self.rating_scale}
        for goal in self.goals:
            if goal.self_rating is not None and scores and goal.self_rating not in scores:
                raise ValueError(
                    f"goal {goal.number}: self_rating {goal.self_rating} is not in the legend {sorted(scores)}"
                )
        return self
