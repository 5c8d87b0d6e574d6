"""councilkg: a knowledge graph of what councils plan, promise and measure.

from kg import Engine
engine = Engine.open(".councilkg")
engine.ingest(["seeds/"])
engine.ask("Who is the Lead Member for Children and Families?")
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "Engine":  # lazy: importing kg must stay cheap
        from kg.engine import Engine

        return Engine
    raise AttributeError(name)
