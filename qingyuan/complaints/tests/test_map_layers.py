"""The statistics map shows complaints and, as a second layer, the park's patrols."""


def test_it_puts_the_patrol_layer_on_the_statistics_map(world, as_user):
    page = as_user(world.regulator).get("/complaints/statistics/").content.decode()
    assert 'data-patrols="/inspections/map/patrols.geojson"' in page
    assert 'data-patrols-label="巡查"' in page
    layer = as_user(world.regulator).get("/inspections/map/patrols.geojson")
    assert layer.status_code == 200 and layer.json()["type"] == "FeatureCollection"
