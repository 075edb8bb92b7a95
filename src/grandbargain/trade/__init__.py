"""Trade facts that feed the scenarios: the 2024 US goods-trade figures and the April 2025
"reciprocal tariff" formula."""
