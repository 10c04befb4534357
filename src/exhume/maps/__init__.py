"""Maps and site plans, offline: GeoJSON of sites and graves, drawn with vendored Leaflet."""
