"""Strings of ``dukcapil serve`` (the interface in a web browser)."""

MESSAGES = {
    "serve.bad_port": ("Port '{value}' tidak bisa dipakai: --port harus bilangan bulat 1 sampai 65535 (mis. 8000).", "Port '{value}' cannot be used: --port must be a whole number from 1 to 65535 (e.g. 8000)."),
    "serve.bad_host": ("Alamat --host '{host}' tidak bisa dipakai: {reason}.", "Address --host '{host}' cannot be used: {reason}."),
    "serve.host_empty": ("alamat kosong (bawaan 127.0.0.1: hanya komputer ini; 0.0.0.0: semua jaringan)", "the address is empty (default 127.0.0.1: this computer only; 0.0.0.0: every network)"),
    "serve.host_malformed": ("itu bukan nama komputer atau alamat IP (mis. 127.0.0.1, 0.0.0.0, 192.168.1.10)", "that is not a computer name or an IP address (e.g. 127.0.0.1, 0.0.0.0, 192.168.1.10)"),
    "serve.host_unknown": ("nama atau alamat itu tidak dikenal di komputer ini", "that name or address is unknown on this computer"),
    "serve.cannot_listen": ("Tidak bisa mendengarkan di {host} port {port}: {reason}.", "Cannot listen on {host} port {port}: {reason}."),
    "serve.port_in_use": ("port itu sedang dipakai program lain (pilih --port lain)", "another program is using that port (choose another --port)"),
    "serve.not_this_machine": ("alamat itu bukan milik komputer ini", "that address does not belong to this computer"),
    "serve.port_privileged": ("port di bawah 1024 hanya untuk administrator sistem (pakai mis. 8000 di balik reverse proxy)", "ports below 1024 are for the system administrator only (use e.g. 8000 behind a reverse proxy)"),
    "serve.bad_public_url": ("--public-url '{value}' bukan alamat web (mis. https://dukcapil.kantor.go.id).", "--public-url '{value}' is not a web address (e.g. https://dukcapil.office.go.id)."),
    "serve.listening": ("Melayani {office} di {url} (basis data {db}).", "Serving {office} on {url} (database {db})."),
    "serve.public_url": ("Browser membuka: {url}", "Browsers open: {url}"),
    "serve.public_url_hint": ("Jika komputer lain membuka halaman tetapi layarnya tetap kosong, beri alamat yang mereka pakai: --public-url http://ALAMAT-IP-INI:{port}", "If other computers open the page but the screen stays empty, give the address they use: --public-url http://THIS-IP-ADDRESS:{port}"),
    "serve.workstation": ("Setiap tab browser masuk sendiri sebagai workstation {code} (komputer ini).", "Every browser tab logs in on its own as workstation {code} (this computer)."),
    "serve.no_workstation": ("Perhatian: komputer ini belum workstation terdaftar ({problem}); tab browser belum bisa masuk.", "Note: this computer is not a registered workstation ({problem}); browser tabs cannot log in yet."),
    "serve.bootstrap": ("Belum ada workstation terdaftar: admin pertama yang masuk lewat browser mendaftarkan komputer ini.", "No workstation is registered yet: the first admin to log in through a browser registers this computer."),
    "serve.local_only": ("Hanya komputer ini yang bisa membuka (127.0.0.1). Untuk jaringan kantor: --host dan reverse proxy dengan TLS (docs/operators-guide.md).", "Only this computer can open it (127.0.0.1). For the office network: --host and a reverse proxy with TLS (docs/operators-guide.md)."),
    "serve.open_network": ("Terbuka untuk komputer lain di jaringan. Lalu lintasnya tidak dienkripsi: pasang reverse proxy dengan TLS (docs/operators-guide.md).", "Open to other computers on the network. Its traffic is not encrypted: put a reverse proxy with TLS in front (docs/operators-guide.md)."),
    "serve.stop_hint": ("Tekan Ctrl+C untuk berhenti.", "Press Ctrl+C to stop."),
    "serve.stopped": ("Server berhenti.", "Server stopped."),
}
