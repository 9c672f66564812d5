//! Datagrams the kernel dropped because the socket's buffer was full: Linux counts them per
//! socket in /proc/net/udp and /proc/net/udp6. Elsewhere there is no count to show.

use std::net::UdpSocket;

pub struct KernelDrops {
    inode: String,
}

impl KernelDrops {
    pub fn of(socket: &UdpSocket) -> Option<KernelDrops> {
        use std::os::fd::AsRawFd;
        let link = std::fs::read_link(format!("/proc/self/fd/{}", socket.as_raw_fd())).ok()?;
        let link = link.to_str()?;
        let inode = link.strip_prefix("socket:[")?.strip_suffix(']')?;
        Some(KernelDrops {
            inode: inode.to_owned(),
        })
    }

    /// How many datagrams the kernel dropped for this socket so far.
    pub fn read(&self) -> Option<u64> {
        ["/proc/net/udp", "/proc/net/udp6"]
            .iter()
            .filter_map(|table| std::fs::read_to_string(table).ok())
            .find_map(|table| drops_in(&table, &self.inode))
    }
}

fn drops_in(table: &str, inode: &str) -> Option<u64> {
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        (fields.get(9) == Some(&inode))
            .then(|| fields.last()?.parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_drops_column_of_the_socket_s_line() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n\
         1: 0100007F:07D0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 17\n\
         2: 0100007F:07D1 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2 0000000000000000 0\n";
        assert_eq!(drops_in(table, "4242"), Some(17));
        assert_eq!(drops_in(table, "999"), Some(0));
        assert_eq!(drops_in(table, "1"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_real_socket_is_found_with_no_drops() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let drops = KernelDrops::of(&socket).expect("Linux names the socket's inode");
        assert_eq!(drops.read(), Some(0));
    }
}
