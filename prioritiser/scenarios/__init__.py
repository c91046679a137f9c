"""What-if scenarios: compare overlays, the efficient frontier of a resource, replanning that
keeps work in flight, and Monte Carlo robustness under cost, duration and benefit uncertainty.

Overlays themselves are applied while loading (`load_inventory(root, scenarios=[...])`, see
`prioritiser.inventory.overlay`); this package builds further in-memory variants of a loaded
`Inventory` (frozen models, changed with `dataclasses.replace` and `model_copy`) and plans
them. Nothing here prints or writes files: each module returns typed results (written by
the modules of the same names in `prioritiser.reports`) and takes an optional progress
callback that the CLI turns into a progress bar.

One module per command — `compare`, `frontier`, `replan`, `robustness` — each exposing a
function of the same name; `variants` holds what they share.
"""
