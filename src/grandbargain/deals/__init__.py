"""Package deals between principals: exact Pareto frontiers over the product of per-issue
options, bargaining solutions (Nash, Kalai-Smorodinsky, egalitarian, utilitarian), the ZOPA and
logrolls (who concedes what)."""
