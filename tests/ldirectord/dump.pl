	# tests/ldirectord/diff: after read_config, print @VIRTUAL as settled by
	# ld_setup (hd_cf_dump.c's format) and stop.
	if ($ENV{LD_DUMP}) {
		ld_setup();
		sub dv { my $x = shift; return defined($x) ? $x : "-"; }
		for my $v (@VIRTUAL) {
			my $fb = fallback_find($v);
			print "V $$v{server}:$$v{port} $$v{protocol} svc=" . dv($$v{service}) .
			    " ct=$$v{checktype} n=$$v{num_connects} cto=$$v{checktimeout}" .
			    " nto=$$v{negotiatetimeout} fc=$$v{failurecount} cc=$$v{checkcount}" .
			    " sched=$$v{scheduler} p=" . dv($$v{persistent}) .
			    " nm=" . dv($$v{netmask}) . " req=$$v{request} recv=" . dv($$v{receive}) .
			    " login=" . dv($$v{login}) . " pw=" . dv($$v{passwd}) .
			    " db=" . dv($$v{database}) . " sec=" . dv($$v{secret}) .
			    " vh=" . dv($$v{virtualhost}) . " hm=$$v{httpmethod}" .
			    " cp=" . dv($$v{checkport}) .
			    " fb=" . ($fb ? "$$fb{server}:$$fb{port}/$$fb{forward}" : "-") .
			    " q=" . dv($$v{quiescent}) . "\n";
			for my $r (@{$$v{real}}) {
				print "  R $$r{server}:$$r{port} $$r{forward} w=$$r{weight}" .
				    " req=$$r{request} recv=" . dv($$r{receive}) .
				    " l=" . dv($$r{"l-threshold"}) . " u=" . dv($$r{"u-threshold"}) . "\n";
			}
		}
		exit 0;
	}
