-- The read beacon as static/js/reads.js sends it (bench/beacon.py sets BEACON_BODY), from a browser on one
-- of the site's pages; the figures are reported as for every page (wrk.lua, named by BENCH_WRK_LUA).
wrk.method = "POST"
wrk.body = os.getenv("BEACON_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
dofile(os.getenv("BENCH_WRK_LUA"))
