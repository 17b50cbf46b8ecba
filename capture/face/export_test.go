package face

// Test hooks.
var WeightedNMS = weightedNMS
