"""Game data: the operator's game install as names, geography and the map (kernel.gamedata)."""
