library(testthat)
library(libra.measures)
test_check("libra.measures")
