"""Qt-free OR-Tools models that turn PlanningData into a Plan."""
