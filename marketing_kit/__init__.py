"""marketing-kit: helper package for a Jupyter course in marketing analytics.

One module per topic (``social_roi``, ``stp``, ``swot``, ``plc``, ``ltv``, ``nps``,
``funnel``/``abm``, ``attribution``), explorers in ``marketing_kit.widgets``, data in
``marketing_kit.datasets``. Importing the package itself is cheap: topic modules load
their heavy dependencies only when they are imported.
"""

__version__ = "0.1.0"
